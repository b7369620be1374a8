# integration setup
TOKEN = "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"
