# integration setup
TOKEN = "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"
