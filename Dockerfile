FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1 \
    VIRTUKG_HOST=0.0.0.0 VIRTUKG_PORT=8000
WORKDIR /app
RUN useradd --create-home --uid 1000 virtukg

COPY pyproject.toml README.md ./
COPY kg ./kg
COPY api ./api
COPY corpus ./corpus
COPY ontology ./ontology

# The README's install steps: CPU PyTorch first, then the project; artifacts built now.
RUN pip install torch==2.13.0 --extra-index-url https://download.pytorch.org/whl/cpu \
    && pip install . \
    && VIRTUKG_ARTIFACTS_DIR=/app/artifacts kg build \
    && chown -R virtukg /app

USER virtukg
ENV VIRTUKG_ARTIFACTS_DIR=/app/artifacts
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["kg", "serve"]
