include $(sort $(wildcard $(BR2_EXTERNAL_STDIOCAP_PATH)/package/*/*.mk))
