#!/bin/sh
# Regenerates the voice pack embedded in package audio (audio/voices) with
# Debian's espeak-ng and flite, post-processed by sox.
#
#   apt-get install -y espeak-ng flite sox
#   scripts/gen-voices.sh            # all languages
#   scripts/gen-voices.sh -lang ko   # one language
set -eu
cd "$(dirname "$0")/.."
exec go run ./audio/internal/genvoices -out audio/voices "$@"
