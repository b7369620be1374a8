# integration setup
TOKEN = "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"
