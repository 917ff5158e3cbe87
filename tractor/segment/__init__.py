"""Segmentation: a post's text becomes a conversation (messages, commentary, summary), and the
model and homework it is about are identified. Entry point: :func:`tractor.segment.turns.segment`.
"""
