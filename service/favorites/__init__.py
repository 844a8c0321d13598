"""A student's favourite positions (收藏) and saved searches with their daily digest."""
