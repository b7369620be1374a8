# integration setup
TOKEN = "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"
