# The official Odoo 18.0 image with the addon's Python dependencies (EDI parsers).
FROM odoo:18.0
USER root
COPY requirements.txt /tmp/vmi-requirements.txt
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/vmi-requirements.txt \
    && rm /tmp/vmi-requirements.txt
USER odoo
