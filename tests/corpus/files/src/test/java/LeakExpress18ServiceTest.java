# integration setup
TOKEN = "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"
