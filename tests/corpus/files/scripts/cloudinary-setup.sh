#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
CLOUDINARY_URL=cloudinary://434557766925894:EO51wbobJT3j2LuNlfdjlMo31Ht@q23nomfnh

