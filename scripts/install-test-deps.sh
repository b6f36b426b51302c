#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, from Debian's packages: the foreign
# SOAP clients (zeep, PHP SoapClient) that load the served WSDL, the WADL library (wadllib) that
# builds REST calls from the served WADL, and the PostgreSQL server the
# store tests start a throwaway cluster of (test/support/postgres.ts), and openssl for the TLS
# test's self-signed certificate. Idempotent; needs root (or sudo).
# zeep and wadllib come from Debian, so they are imported by Debian's /usr/bin/python3 (not a pyenv/venv python).
set -euo pipefail

need=()
/usr/bin/python3 -c 'import zeep' >/dev/null 2>&1 || need+=(python3-zeep)
/usr/bin/python3 -c 'import wadllib.application' >/dev/null 2>&1 || need+=(python3-wadllib)
php -m 2>/dev/null | grep -qi '^soap$' || need+=(php-cli php-soap)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
