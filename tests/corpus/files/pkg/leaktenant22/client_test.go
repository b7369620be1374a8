# integration setup
TOKEN = "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"
