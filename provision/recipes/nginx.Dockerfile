# Offline stand-in for Docker Hub's `nginx`, built from Debian's nginx package.
# It behaves like the official image where the docs rely on it: serves
# /usr/share/nginx/html on port 80, logs to the container's stdout/stderr,
# runs in the foreground.
FROM debian:trixie-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* \
    && sed -i 's#root /var/www/html;#root /usr/share/nginx/html;#' /etc/nginx/sites-available/default \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
