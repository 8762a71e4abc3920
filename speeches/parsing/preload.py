"""Loaded once by the server that forks read_ahead's workers (pool.py), so that each worker
starts with jieba's dictionary and the place and topic tables already built."""

from .pool import Document, read_speeches

read_speeches(
    Document("preload.txt", "2024年是全面贯彻落实党的二十大精神的关键之年。全市地区生产总值增长5%左右。".encode())
)
