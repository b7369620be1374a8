# integration setup
TOKEN = "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"
