# integration setup
TOKEN = "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"
