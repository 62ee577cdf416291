"""Streamlit pages of corridormap: thin views over the ``corridormap`` core package."""
