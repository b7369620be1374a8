# integration setup
TOKEN = "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"
