# The hub as a container: `docker compose up` builds it and wires it to Neo4j.
# Configuration comes only from the environment (DTSEN_*, NEO4J_USER, NEO4J_PASSWORD: hub/settings.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY core ./core
COPY linkage ./linkage
COPY graph ./graph
COPY auth ./auth
COPY resolvers ./resolvers
COPY schema ./schema
COPY hub ./hub
RUN pip install . && useradd --create-home --uid 10001 hub && mkdir /data && chown hub /data

USER hub
ENV DTSEN_DATA_DIR=/data DTSEN_HOST=0.0.0.0 DTSEN_PORT=8000
VOLUME ["/data"]
EXPOSE 8000
CMD ["dtsen-hub", "serve"]
