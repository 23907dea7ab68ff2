/** 员工 (staff section) and 订单 (orders screen), 简体中文. Avoid '@', '|', '{', '}' except named placeholders. */
export default {
  staff: {
    cashierLabel: '收银员',
  },
  orders: {},
} as const;
