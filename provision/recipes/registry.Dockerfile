# Offline stand-in for Docker Hub's `registry:3`, built from Debian's docker-registry
# package: the same reference implementation (CNCF distribution), but version 2.8 (no
# Debian suite has 3.x). The docs only push and pull through the registry API, where they
# behave alike. Like the official image it listens on :5000 and stores data in
# /var/lib/registry.
ARG BASE
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends docker-registry \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/registry \
    && printf '%s\n' \
        'version: 0.1' \
        'log: {fields: {service: registry}}' \
        'storage:' \
        '  cache: {blobdescriptor: inmemory}' \
        '  filesystem: {rootdirectory: /var/lib/registry}' \
        'http: {addr: ":5000", headers: {X-Content-Type-Options: [nosniff]}}' \
        > /etc/docker/registry/config.yml
VOLUME ["/var/lib/registry"]
EXPOSE 5000
CMD ["docker-registry", "serve", "/etc/docker/registry/config.yml"]
