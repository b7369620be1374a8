# integration setup
TOKEN = "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"
