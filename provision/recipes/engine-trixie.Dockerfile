# A current Docker Engine in a container, for the current-engine pass and for pages that
# run on an engine of their own (see provision/machines.py): Debian 13's docker.io
# (Engine 26.1) with buildx and Compose, and the containerd image store switched on, as
# it is by default on new installations since Engine 29. Pages run their commands in
# this container, so it also has the tools pages use (curl, sudo, ps, ip).
FROM debian:trixie-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       docker.io docker-cli docker-buildx docker-compose iptables procps iproute2 ca-certificates curl sudo socat \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /etc/docker \
    && echo '{"features": {"containerd-snapshotter": true}}' > /etc/docker/daemon.json
VOLUME /var/lib/docker
EXPOSE 2375
COPY kb-engine.sh /usr/local/bin/kb-engine
ENTRYPOINT ["kb-engine"]
