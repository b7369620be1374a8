# integration setup
TOKEN = "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"
