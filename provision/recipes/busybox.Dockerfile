# Offline stand-in for Docker Hub's `busybox`: a static BusyBox from the Debian suite nearest
# the official image's version (images.yml: `suite`), with its applets linked in /bin, and
# nothing else but the few files the official image has (root and nobody, /tmp, /var/www).
ARG BASE
FROM ${BASE} AS debian
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends busybox-static \
    && mkdir -p /rootfs/bin /rootfs/etc /rootfs/root /rootfs/tmp /rootfs/var/www /rootfs/home /rootfs/usr \
    && cp /bin/busybox /rootfs/bin/busybox \
    && for applet in $(/rootfs/bin/busybox --list); do \
         [ "$applet" = busybox ] || ln -s busybox "/rootfs/bin/$applet"; done \
    && chmod 1777 /rootfs/tmp \
    && printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' \
        > /rootfs/etc/passwd \
    && printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > /rootfs/etc/group

FROM scratch
COPY --from=debian /rootfs/ /
CMD ["sh"]
