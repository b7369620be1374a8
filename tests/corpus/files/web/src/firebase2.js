const firebaseConfig = {
  apiKey: "AIzafJkZJNlBnOD0x_u9VwmFvkvIS6sTDzFWXYH",
  authDomain: "app-2.firebaseapp.com",
  projectId: "app-2",
};
