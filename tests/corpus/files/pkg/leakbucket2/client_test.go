# integration setup
TOKEN = "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"
