# A current Docker Engine to run inside the provisioned one (see provision/current_engine.py):
# Debian 13's docker.io (Engine 26) with buildx, and the containerd image store switched
# on, as it is by default on new installations since Engine 29.
FROM debian:trixie-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends docker.io docker-buildx iptables procps ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /etc/docker \
    && echo '{"features": {"containerd-snapshotter": true}}' > /etc/docker/daemon.json
VOLUME /var/lib/docker
EXPOSE 2375
ENTRYPOINT ["dockerd", "--tls=false", "-H", "tcp://0.0.0.0:2375", "-H", "unix:///var/run/docker.sock"]
