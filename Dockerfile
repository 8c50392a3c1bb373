# Screening Gateway: one container, one process (`screening-gateway serve`).
# Two stages: the toolchain and -dev packages stay in the build stage; the image that ships
# holds only the binary and the shared libraries it links against. Debian 12 throughout,
# because every dependency comes from Debian 12 packages (see scripts/install-deps.sh).

# ---- build ---------------------------------------------------------------------------------
FROM debian:12-slim AS build

# Same -dev list as scripts/install-deps.sh. libgtest-dev is needed even with tests off:
# CMakeLists.txt calls find_package(GTest REQUIRED) unconditionally.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libdcmtk-dev libsqlitecpp-dev libsqlite3-dev \
      libspdlog-dev libfmt-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev \
      libgtest-dev libboost-thread-dev libboost-dev libssl-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Sources only (.dockerignore keeps the host's build*/, var/ and .git out), so the image
# never depends on what happens to be built on the host.
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF \
 && cmake --build build -j2 \
 && strip build/bin/screening-gateway

# ---- runtime -------------------------------------------------------------------------------
FROM debian:12-slim

# Runtime libraries only, from the binary's NEEDED entries (readelf -d / dpkg -S):
#   libdcmtk17    libdcmnet/libdcmdata/liboflog/libofstd.so.17, plus the DICOM data
#                 dictionary /usr/share/libdcmtk17/dicom.dic (DCMTK's compiled-in default
#                 path; the gateway refuses to start without it)
#   libsqlite3-0, libspdlog1.10, libfmt9, libyaml-cpp0.7, libssl3 (libcrypto.so.3)
#   libcurl4 (STOW-RS forwarding; ca-certificates for https destinations)
#   libdcmtk17 also brings libdcmimage/libdcmjpeg (thumbnails) and their libpng/libjpeg;
#   tzdata: GATEWAY_TIMEZONE names a zone (Boost.Beast/Asio are header-only: nothing here)
# SQLiteCpp is linked statically (Debian ships only libSQLiteCpp.a), so it needs nothing.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libdcmtk17 libsqlite3-0 libspdlog1.10 libfmt9 libyaml-cpp0.7 libssl3 libcurl4 \
      ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*

# Unprivileged user with a fixed uid/gid, so volume ownership is stable across rebuilds.
# The data folders exist in the image owned by that user: Docker and podman copy this
# ownership into a fresh named volume mounted there.
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /var/lib/pacs --no-create-home \
      --shell /usr/sbin/nologin gateway \
 && mkdir -p /var/lib/pacs/storage /var/lib/pacs/db \
 && chown -R gateway:gateway /var/lib/pacs \
 && chmod 0750 /var/lib/pacs /var/lib/pacs/storage /var/lib/pacs/db

COPY --from=build /src/build/bin/screening-gateway /usr/local/bin/screening-gateway
# Fail the build, not the first start, if a shared library or the dictionary is missing.
RUN screening-gateway version && test -s /usr/share/libdcmtk17/dicom.dic

# The seed's settings and defaults (compose.yaml may override them).
ENV PACS_AET=SCREENING_PACS \
    PACS_PORT=4244 \
    PACS_STORAGE_PATH=/var/lib/pacs/storage \
    PACS_DB_PATH=/var/lib/pacs/pacs.db \
    MWL_AET=MWL_SCP \
    MWL_PORT=4243 \
    MWL_DB_PATH=/var/lib/pacs/worklist.db \
    LOG_LEVEL=INFO

USER gateway
WORKDIR /var/lib/pacs
# 4243: worklist (MWL/MPPS), 4244: storage (PACS), 8080: the operator's window (HTTP; bound
# to 127.0.0.1 unless GATEWAY_HTTP_BIND says otherwise; compose publishes it to the host's
# loopback only).
EXPOSE 4243 4244 8080

# Health is proven by traffic: a real C-ECHO to 127.0.0.1:$PACS_PORT as $PACS_AET.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["screening-gateway", "healthcheck"]

# The binary is PID 1 and handles SIGTERM itself (blocked in every thread, sigwait in main):
# it stops accepting, lets transfers finish within GATEWAY_SHUTDOWN_TIMEOUT (20 s), exits 0.
STOPSIGNAL SIGTERM
CMD ["screening-gateway", "serve"]
