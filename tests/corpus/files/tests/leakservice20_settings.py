# integration setup
TOKEN = "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"
