# integration setup
TOKEN = "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"
