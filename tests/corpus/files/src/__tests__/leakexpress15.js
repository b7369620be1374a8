# integration setup
TOKEN = "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"
