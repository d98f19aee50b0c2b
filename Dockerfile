FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1
WORKDIR /app
RUN useradd --create-home --uid 1000 virtukg

COPY pyproject.toml README.md ./
COPY kg ./kg
COPY api ./api
COPY corpus ./corpus
COPY ontology ./ontology

# Same install steps as the README's `make run`: CPU PyTorch first, then the project.
RUN pip install torch==2.13.0 --extra-index-url https://download.pytorch.org/whl/cpu \
    && pip install .
RUN kg build && chown -R virtukg /app

USER virtukg
CMD ["kg", "build"]
