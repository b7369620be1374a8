# integration setup
TOKEN = "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"
