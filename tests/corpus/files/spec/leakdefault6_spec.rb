# integration setup
TOKEN = "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"
