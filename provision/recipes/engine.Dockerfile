# A Docker engine in a container (see provision/machines.py and provision/engines.yml): a
# Debian suite's packages, with the containerd image store switched on when IMAGE_STORE says
# so. Pages run their commands in this container, so it also has the tools pages use (curl,
# sudo, ps, ip) and the user that runs the tests gets an account in it (kb-engine).
ARG BASE
FROM ${BASE}
ARG PACKAGES
ARG IMAGE_STORE=overlay2
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       ${PACKAGES} iptables procps iproute2 ca-certificates curl sudo socat \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /etc/docker \
    && if [ "$IMAGE_STORE" = containerd ]; then \
         echo '{"features": {"containerd-snapshotter": true}}' > /etc/docker/daemon.json; fi
VOLUME /var/lib/docker
EXPOSE 2375
COPY kb-engine.sh /usr/local/bin/kb-engine
ENTRYPOINT ["kb-engine"]
