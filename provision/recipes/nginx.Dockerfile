# Offline stand-in for Docker Hub's `nginx` (the mainline), built from the nginx of the Debian
# suite nearest it (images.yml: `suite`). It is set up like the official image where readers
# can see it: an `nginx` user, nginx.conf with the `main` log format and conf.d/default.conf
# serving /usr/share/nginx/html on port 80, logs on the container's stdout and stderr, nginx
# in the foreground, a graceful stop on SIGQUIT.
ARG BASE
FROM ${BASE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/sites-available \
    && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx \
    && mkdir -p /usr/share/nginx/html \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log
COPY nginx.conf /etc/nginx/nginx.conf
COPY nginx-default.conf /etc/nginx/conf.d/default.conf
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
