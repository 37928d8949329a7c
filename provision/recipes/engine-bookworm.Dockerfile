# Debian 12's Docker Engine 20.10 in a container, for pages that run on an engine of their
# own while the provisioned engine is Debian 12's (see provision/machines.py). The pages'
# docker CLI is the project's kit (mounted at /opt/docker-kb/kit), as on the host.
ARG BASE=docker-kb/debian:bookworm
FROM ${BASE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       docker.io iptables procps iproute2 ca-certificates curl sudo socat \
    && rm -rf /var/lib/apt/lists/*
VOLUME /var/lib/docker
EXPOSE 2375
COPY kb-engine.sh /usr/local/bin/kb-engine
ENTRYPOINT ["kb-engine"]
