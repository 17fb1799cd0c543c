"""The Streamlit script: `streamlit run serving/app/main.py` (what `maeum ui` runs)."""

from serving.app.view import main

main()
