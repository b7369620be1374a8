# integration setup
TOKEN = "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"
