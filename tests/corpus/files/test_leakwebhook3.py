# integration setup
TOKEN = "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"
