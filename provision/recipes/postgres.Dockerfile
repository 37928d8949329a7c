# Offline stand-in for Docker Hub's `postgres:18`, built from the PostgreSQL 18 of the Debian suite
# nearest it (images.yml: `suite`). It is set up like the official image where readers can see it:
# a `postgres` user (uid 999), PGDATA /var/lib/postgresql/18/docker under the volume
# /var/lib/postgresql, a server listening on every address, and a docker-entrypoint.sh that, on
# an empty data directory, creates the cluster from POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB
# and POSTGRES_INITDB_ARGS (or their _FILE variants), runs /docker-entrypoint-initdb.d/*.sh, *.sql
# and *.sql.gz, then runs postgres as the `postgres` user. pg_isready is on the PATH for health checks.
# The entrypoint is written here, not in a file beside the recipe, so that it is part of this
# recipe's digest only.
ARG BASE
FROM ${BASE}
RUN groupadd --system --gid 999 postgres \
    && useradd --system --gid postgres --uid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \
    && mkdir -p /var/lib/postgresql && chown postgres:postgres /var/lib/postgresql \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-common \
    && sed -ri "s/#(create_main_cluster) .*$/\1 = false/" /etc/postgresql-common/createcluster.conf \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-18 \
    && rm -rf /var/lib/apt/lists/* \
    && sed -ri "s/^#?(listen_addresses)\s*=\s*\S+.*/\1 = '*'/" /usr/share/postgresql/18/postgresql.conf.sample \
    && grep -F "listen_addresses = '*'" /usr/share/postgresql/18/postgresql.conf.sample \
    && mkdir -p /var/run/postgresql /docker-entrypoint-initdb.d \
    && chown postgres:postgres /var/run/postgresql && chmod 03775 /var/run/postgresql \
    && printf '%s\n' \
        '#!/usr/bin/env bash' \
        'set -Eeo pipefail' \
        'file_env() {' \
        '	local var="$1" file_var="${1}_FILE" default="${2:-}" value' \
        '	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then' \
        '		echo "error: both $var and $file_var are set (but are exclusive)" >&2' \
        '		exit 1' \
        '	fi' \
        '	value="$default"' \
        '	if [ -n "${!var:-}" ]; then value="${!var}"; elif [ -n "${!file_var:-}" ]; then value="$(< "${!file_var}")"; fi' \
        '	export "$var"="$value"' \
        '	unset "$file_var"' \
        '}' \
        'psql_init() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }' \
        'if [ "${1:0:1}" = "-" ]; then set -- postgres "$@"; fi' \
        'if [ "$1" = "postgres" ]; then' \
        '	if [ "$(id -u)" = "0" ]; then' \
        '		mkdir -p "$PGDATA" /var/run/postgresql' \
        '		chown postgres:postgres "$PGDATA" /var/run/postgresql' \
        '		chmod 00700 "$PGDATA"' \
        '		chmod 03775 /var/run/postgresql' \
        '		exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"' \
        '	fi' \
        '	if [ ! -s "$PGDATA/PG_VERSION" ]; then' \
        '		file_env POSTGRES_PASSWORD' \
        '		file_env POSTGRES_USER postgres' \
        '		file_env POSTGRES_DB "$POSTGRES_USER"' \
        '		file_env POSTGRES_INITDB_ARGS' \
        '		auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"' \
        '		if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != "trust" ]; then' \
        '			echo "Error: Database is uninitialized and superuser password is not specified." >&2' \
        '			echo "       You must specify POSTGRES_PASSWORD to a non-empty value for the" >&2' \
        '			echo "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\"." >&2' \
        '			exit 1' \
        '		fi' \
        '		initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS' \
        '		printf "\nhost all all all %s\n" "$auth" >> "$PGDATA/pg_hba.conf"' \
        '		pg_ctl -D "$PGDATA" -o "-c listen_addresses= -p 5432" -w start' \
        '		if [ "$POSTGRES_DB" != "postgres" ]; then' \
        '			echo "CREATE DATABASE :\"db\" ;" | psql_init --dbname postgres --set db="$POSTGRES_DB"' \
        '		fi' \
        '		for f in /docker-entrypoint-initdb.d/*; do' \
        '			case "$f" in' \
        '				*.sh) echo "$0: running $f"; . "$f" ;;' \
        '				*.sql) echo "$0: running $f"; psql_init --dbname "$POSTGRES_DB" -f "$f" ;;' \
        '				*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | psql_init --dbname "$POSTGRES_DB" ;;' \
        '				*) [ -e "$f" ] && echo "$0: ignoring $f" ;;' \
        '			esac' \
        '		done' \
        '		pg_ctl -D "$PGDATA" -m fast -w stop' \
        '		echo "PostgreSQL init process complete; ready for start up."' \
        '	fi' \
        'fi' \
        'exec "$@"' \
        > /usr/local/bin/docker-entrypoint.sh \
    && chmod 0755 /usr/local/bin/docker-entrypoint.sh
ENV PATH=$PATH:/usr/lib/postgresql/18/bin \
    PGDATA=/var/lib/postgresql/18/docker \
    LANG=C.UTF-8
VOLUME /var/lib/postgresql
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
