#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages, from Debian's packages: the foreign
# SOAP clients (zeep, PHP SoapClient, JAX-WS RI) that load the served WSDL, the WADL library (wadllib)
# that builds REST calls from the served WADL, the Java HTTP client and curl of the h2c upgrade test,
# promtool for the metrics lint, Chromium for the operator page's browser test, and the PostgreSQL server the
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
# JAX-WS RI's wsimport and Debian's default JDK (javac; java 11+ for java.net.http.HttpClient): the
# validating JAX-WS client and the Java HTTP client of the interop tests. Asked of dpkg, not of the
# PATH: a JDK found there (another vendor's, or a JRE) may lack javac or Debian's jar layout.
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
deb_installed jaxws || need+=(jaxws)
deb_installed default-jdk-headless || need+=(default-jdk-headless)
# curl (--http2 sends `Upgrade: h2c` over plain HTTP) and promtool (Prometheus's exposition lint).
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# Headless Chromium for the operator page's browser test (driven by puppeteer-core over CDP).
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
