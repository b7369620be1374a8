# integration setup
TOKEN = "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"
