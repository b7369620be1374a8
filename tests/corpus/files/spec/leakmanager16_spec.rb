# integration setup
TOKEN = "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"
