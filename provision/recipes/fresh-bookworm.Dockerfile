# A Debian 12 machine that has never seen the project: a minbase root file system with its
# own Python (3.11.2) and nothing else (tests/test_fresh_machine.py).
ARG BASE=docker-kb/debian:bookworm
FROM ${BASE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
VOLUME /var/lib/docker
CMD ["sleep", "infinity"]
