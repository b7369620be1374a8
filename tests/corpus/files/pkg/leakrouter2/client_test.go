# integration setup
TOKEN = "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"
