# integration setup
TOKEN = "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"
