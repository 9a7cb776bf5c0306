#!/usr/bin/env bash
# Makes sure the real services the test suite talks to are up on 127.0.0.1, starting them when
# they have stopped. Later channels add their own servers (Dovecot, Postfix, Chromium) here.
set -euo pipefail

wait_for() { # name, command
  for _ in $(seq 1 60); do
    if eval "$2" >/dev/null 2>&1; then echo "test-services: $1 is up"; return 0; fi
    sleep 1
  done
  echo "test-services: $1 did not come up" >&2
  return 1
}

mariadb_up() { mysqladmin --protocol=tcp -h127.0.0.1 -uroot ping; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }

if ! mariadb_up >/dev/null 2>&1; then
  echo "test-services: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
wait_for MariaDB mariadb_up
mysql --protocol=tcp -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test' 

if ! redis_up >/dev/null 2>&1; then
  echo "test-services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
wait_for Redis redis_up

# The voice channel's offline speech engine: espeak-ng speaks, sox converts to 8 kHz μ-law.
if ! command -v espeak-ng >/dev/null 2>&1 || ! command -v sox >/dev/null 2>&1; then
  echo "test-services: installing espeak-ng and sox"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng sox >/dev/null
fi
command -v espeak-ng >/dev/null && command -v sox >/dev/null && echo "test-services: espeak-ng and sox are there"

# The console's browser tests drive Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  echo "test-services: installing Chromium"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
echo "test-services: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium missing')"

# Dovecot (IMAP) and Postfix (SMTP) for the e-mail suites. Only the packages are installed here:
# each suite starts private instances on its own ports from test/mail/ (test/support/mail-servers.ts)
# and stops them afterwards, so nothing of the system's mail set-up is used or changed.
if ! [ -x /usr/sbin/dovecot ] || ! [ -x /usr/sbin/postfix ]; then
  echo "test-services: installing Dovecot and Postfix"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd postfix >/dev/null
fi
/usr/sbin/dovecot --version >/dev/null && echo "test-services: Dovecot is installed"
[ -x /usr/sbin/postfix ] && echo "test-services: Postfix is installed"

# The journal export suite validates its Noark 5 XML with xmllint.
if ! command -v xmllint >/dev/null 2>&1; then
  echo "test-services: installing xmllint (libxml2-utils)"
  (apt-get install -y libxml2-utils >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libxml2-utils >/dev/null; })
fi

# Encrypted backups (server/backups) run the age command; their suites make key pairs with age-keygen.
if ! command -v age >/dev/null 2>&1 || ! command -v age-keygen >/dev/null 2>&1; then
  echo "test-services: installing age"
  (apt-get install -y -qq age >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq age >/dev/null; })
fi
echo "test-services: $(age --version 2>/dev/null | sed 's/^/age /' || echo 'age missing')"
