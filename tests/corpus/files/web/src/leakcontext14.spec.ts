# integration setup
TOKEN = "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"
