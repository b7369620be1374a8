#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
DROPBOX_ACCESS_TOKEN=sl.Opnyfb9pPxr2q5Lf39t4VVonYS1OAX9cOwz1r-H1bRt62JmmiF3sOH-w2g6M6mRWnrNTk6oX0XGFIxZRt8pg8pEQOQS7N5p-P2fqtlb883fPwnJRdG1PEIpnxwR1Ffs37RNB-fib6f

