# A hosted workbench: docker build -t workbench . && docker run -p 8501:8501 \
#   -v /srv/shop:/data:ro -v $PWD/secrets.toml:/app/.streamlit/secrets.toml:ro workbench
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 WORKBENCH_CONFIG=/app/workbench.hosted.toml
WORKDIR /app
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home workbench && mkdir -p /app/user_queries && chown workbench /app/user_queries
USER workbench
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0", \
     "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
