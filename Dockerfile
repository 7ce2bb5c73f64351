# proctriage as a container: `proctriage serve` reading the host's /proc and cgroup tree, read-only.
# Run it as deploy/kubernetes/daemonset.yaml does: the host's /proc at /host/proc, its
# /sys/fs/cgroup at /host/sys/fs/cgroup (both read-only), on the host's network (listen queues
# and TCP counters are per network namespace), as root with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH
# (other users' wchan, syscall and io files); kernel stacks need CAP_SYS_ADMIN, without which a
# D-state wait is told from wchan and the syscall alone.
#
#   docker build -t proctriage .
#   docker run --rm --network host --cap-drop ALL --cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH \
#     -v /proc:/host/proc:ro -v /sys/fs/cgroup:/host/sys/fs/cgroup:ro proctriage
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY tsconfig.json tsconfig.build.json ./
# npm ci runs `prepare`: type-check, bundle, and the code cache.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/proctriage
COPY --from=build /src/package.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/node_modules ./node_modules
EXPOSE 9808
ENTRYPOINT ["node", "/opt/proctriage/bin/proctriage"]
CMD ["serve", "--listen", ":9808", "--proc-root", "/host/proc", "--cgroup-root", "/host/sys/fs/cgroup"]
