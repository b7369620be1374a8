# integration setup
TOKEN = "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"
